"""Repository logos: an upload checked and made a small PNG, kept in the database (images/models/catalogue.py)."""

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from images.models import Repository
from images.services.authorization import EDIT_LISTING, authorize

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # refuse decompression bombs before decoding
LOGO_SIZE = 256
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_process(data: bytes) -> bytes:
    """An uploaded logo checked (a real PNG/JPEG/GIF/WebP, not too big) and made a PNG of at most 256×256."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo may be at most {LOGO_MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in LOGO_FORMATS:
                raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.")
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError("The logo has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGBA")
            image.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The logo is not a readable image.") from None


@transaction.atomic
def repository_logo_set(*, actor, repository: Repository, data: bytes | None) -> Repository:
    """Set (bytes of an uploaded image) or remove (None) the repository's logo."""
    authorize(actor, EDIT_LISTING, repository=repository, message=f"you may not edit {repository.full_name}")
    repository.logo = logo_process(data) if data is not None else None
    repository.logo_updated_at = timezone.now() if data is not None else None
    repository.save(update_fields=["logo", "logo_updated_at", "updated_at"])
    return repository
