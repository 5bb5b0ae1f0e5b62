"""The running service: the assistant (pipeline), index builds and uploads (indexing, worker, journal), saved conversations."""
