"""The broker's workspace: the claims of the clients whose policies the broker placed."""
