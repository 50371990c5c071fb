"""What the keys set in motion: the action requests and their confirmations, the workers
that write through the operator, the refresh loop, the support tools."""
