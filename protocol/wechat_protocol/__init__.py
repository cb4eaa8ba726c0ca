"""Plain-Python WeChat shipping protocol: payloads, validation, masking and error
catalogue."""
