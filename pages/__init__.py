"""Page objects: one class per screen, selectors from the real services' ids and roles."""

from pages import waiting
from pages.b2c_error import B2CErrorPage
from pages.b2c_self_asserted import B2CSelfAssertedPage
from pages.b2c_unified import B2CSignUpOrSignInPage
from pages.jwtms import JwtMsPage, RedirectResult, keep_answer_off_screen
from pages.mobileid_login import MobileIDLoginPage

__all__ = ["B2CErrorPage", "B2CSelfAssertedPage", "B2CSignUpOrSignInPage", "JwtMsPage", "MobileIDLoginPage", "RedirectResult", "keep_answer_off_screen",
           "waiting"]
