"""The domain model: typed SQLAlchemy classes with no Flask and no I/O."""

from .area import Area
from .change import Action, Change, Entity
from .contact import Channel, ChannelKind, Contact, ContactStatus, HolderKind
from .country import Country
from .cursor import ProjectionCursor
from .export import ExportRecord
from .security import ApiToken, RolePolicy, SignInFailure
from .user import Role, User

__all__ = [
    "Action",
    "ApiToken",
    "Area",
    "Change",
    "Channel",
    "ChannelKind",
    "Contact",
    "ContactStatus",
    "Country",
    "Entity",
    "ExportRecord",
    "HolderKind",
    "ProjectionCursor",
    "Role",
    "RolePolicy",
    "SignInFailure",
    "User",
]
