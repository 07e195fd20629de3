"""One blueprint per resource; each view is a short verb with a one-line docstring."""
from webapp.views import cameras, dashboard, health, images, jobs, settings, timelapses

BLUEPRINTS = [
    dashboard.blueprint,
    cameras.blueprint,
    timelapses.blueprint,
    images.blueprint,
    jobs.blueprint,
    settings.blueprint,
    health.blueprint,
]
