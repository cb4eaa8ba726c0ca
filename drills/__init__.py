"""Failure drills run by scripts/drill: WeChat outage, concurrent workers, a killed
worker."""
