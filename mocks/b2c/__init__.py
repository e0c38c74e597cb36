"""Azure AD B2C tenant emulator: hosted pages, OIDC endpoints, federation with Mobile ID."""
