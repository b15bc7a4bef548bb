"""The access core: people, keys, doors, grants, decisions and visibility, permission-checked."""
