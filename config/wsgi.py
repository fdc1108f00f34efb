import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Web workers render PDFs in a child process that ends when idle (docs/adr/0049).
os.environ.setdefault("MOTCUA_PDF_RENDERER", "child")
application = get_wsgi_application()
