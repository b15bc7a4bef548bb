"""One small service per operation of the CONTRACT vocabulary, each taking the principal."""
