"""Forms of the publisher console and the curator console: input checks only; services decide and write."""

from django import forms

from images.models import Mirror, VerificationRequest
from images.models.catalogue import FULL_DESCRIPTION_MAX, MAX_CATEGORIES, SHORT_DESCRIPTION_MAX
from images.selectors.repositories import category_list
from images.services.logos import LOGO_MAX_BYTES


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=category_list(),
            to_field_name="slug",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=f"Up to {MAX_CATEGORIES}.",
            **kwargs,
        )

    def clean(self, value):
        found = super().clean(value)
        if len(found) > MAX_CATEGORIES:
            raise forms.ValidationError(f"Choose at most {MAX_CATEGORIES} categories.")
        return found


class ListingForm(forms.Form):
    short_description = forms.CharField(
        max_length=SHORT_DESCRIPTION_MAX,
        required=False,
        help_text=f"At most {SHORT_DESCRIPTION_MAX} characters: what `docker search` shows.",
    )
    full_description = forms.CharField(
        max_length=FULL_DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        label="Full description (Markdown)",
    )
    categories = CategoryChoiceField()
    source_url = forms.URLField(required=False, label="Source code", assume_scheme="https")
    docs_url = forms.URLField(required=False, label="Documentation", assume_scheme="https")
    homepage_url = forms.URLField(required=False, label="Homepage", assume_scheme="https")
    is_private = forms.TypedChoiceField(
        choices=[("0", "Public"), ("1", "Private")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        label="Visibility",
        initial="0",
    )

    LISTING_FIELDS = ("short_description", "full_description", "source_url", "docs_url", "homepage_url", "is_private")

    def listing(self) -> dict:
        """What the repository service takes from a valid form (categories by slug)."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.LISTING_FIELDS},
            "categories": [c.slug for c in data["categories"]],
        }


class RepositoryCreateForm(ListingForm):
    field_order = ["namespace", "name"]
    namespace = forms.ChoiceField()
    name = forms.CharField(max_length=200, help_text="Lowercase letters, digits and . _ - separators.")

    def __init__(self, *args, namespaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["namespace"].choices = [(ns.name, ns.name) for ns in namespaces]


class LogoForm(forms.Form):
    logo = forms.FileField(help_text="PNG, JPEG, GIF or WebP, at most 2 MB; shown at most 256×256.")

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError("The logo may be at most 2 MB.")
        return upload


class ConfirmNameForm(forms.Form):
    confirm = forms.CharField(label="Type the name to confirm")

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != self.expected:
            raise forms.ValidationError(f"Type {self.expected} exactly.")
        return value


class MirrorForm(forms.Form):
    upstream = forms.CharField(
        max_length=500, label="Upstream", help_text="registry/namespace/name, e.g. registry.example.org/team/app"
    )
    tag_filter_kind = forms.ChoiceField(choices=Mirror.TagFilter.choices, label="Tags", initial="all")
    tag_filter = forms.CharField(max_length=255, required=False, label="Tag filter")
    username = forms.CharField(max_length=255, required=False, label="Upstream user name")
    password = forms.CharField(
        max_length=1024, required=False, label="Upstream password or token", widget=forms.PasswordInput
    )
    sync_interval_minutes = forms.IntegerField(min_value=5, max_value=10080, initial=60, label="Sync every (minutes)")


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.URLField(max_length=1000, label="URL", assume_scheme="https")
    secret = forms.CharField(
        max_length=255,
        required=False,
        widget=forms.PasswordInput,
        help_text="Signs each body (X-Hub-Signature-256). Leave empty to have one generated.",
    )


class VerificationForm(forms.Form):
    website = forms.URLField(max_length=500, assume_scheme="https")
    contact_email = forms.EmailField(label="Contact email")
    method = forms.ChoiceField(choices=VerificationRequest.Method.choices, widget=forms.RadioSelect, initial="dns")


class ReviewForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note")
    days = forms.IntegerField(min_value=1, max_value=1095, required=False, label="Valid for (days)")


class SponsoredForm(forms.Form):
    namespace = forms.CharField(max_length=255)
    until = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=1000, required=False)


class OfficialForm(forms.Form):
    repository = forms.CharField(max_length=255, help_text="namespace/name, or just name for library/name")
    note = forms.CharField(max_length=1000, required=False)
