"""Actions, Send now, health, the probe, logs and the support tools, on real databases and
a real SMTP server."""
