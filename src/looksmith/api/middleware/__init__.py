"""What wraps the routes: pure ASGI layers, installed in one stated order by ``stack``."""
