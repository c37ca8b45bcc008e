"""The customer portal: warranty solutions (REO) and self-service returns (MKT, AQA)."""
