"""Strategies the tests register by module path: probes of the point-in-time guarantee and of the guard."""
