# untrusted
