"""Small local fakes of outside services: threaded HTTP servers returning canned JSON and counting calls."""
