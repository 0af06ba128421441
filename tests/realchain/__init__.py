"""Issue #21's acceptance suite: a chain's real-shaped exports, loaded and checked against pandas."""
