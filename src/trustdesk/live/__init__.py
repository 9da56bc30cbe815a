"""Live updates: events published after commit, fanned out to pages (SSE) and workers."""
