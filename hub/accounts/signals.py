"""What accounts tell the apps above them, which accounts itself never imports.

images connects receivers in its AppConfig.ready(): an account's namespace is content, so images
makes it, and images knows which names its organizations hold.
"""

from django.dispatch import Signal

# Sent by User.objects._create_user inside the transaction that writes the user (every way a user
# is created goes through it: user_create, createsuperuser, create_user). Arguments: user.
# A receiver that raises rolls the new user back.
user_created = Signal()

# Sent by hub.accounts.services.user_name_check once the name obeys hub.accounts.names and no user
# holds it. Arguments: name (the namespace name, lowercased). A receiver raises ValidationError to
# refuse the name.
user_name_check = Signal()

# Sent by hub.accounts.services.profile_update after the user's display name or URL changed.
# Arguments: user.
user_profile_updated = Signal()
