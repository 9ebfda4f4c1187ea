"""Cases: the inputs a test measures (templates, lexicons, generated perturbations), shrinking and replay."""
