"""Local server speaking WeChat's shipping-info protocol, for tests and demos."""
