"""Request and response helpers of the routes and middleware: errors, headers, bodies, paths."""
