"""Page strings of the hosted pages, per UI language (the localization string ids of
learn.microsoft.com/azure/active-directory-b2c/localization-string-ids).

Data only; the pages pick the language from ``ui_locales``.
"""

from __future__ import annotations

SUPPORTED = ("en", "de", "fr", "it")

# What B2C sends upstream as ui_locales for each page language (it sends culture names, e.g. en-US).
IDP_UI_LOCALES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "it": "it-IT"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title_unified": "Sign up or sign in",
        "title_selfasserted": "User details",
        "title_error": "Error",
        "heading": "Sign in",
        "social_intro": "Sign in with your social account",
        "divider_title": "OR",
        "local_intro_email": "Sign in with your email address",
        "local_intro_username": "Sign in with your sign in name",
        "logonIdentifier_email": "Email Address",
        "logonIdentifier_username": "Sign in name",
        "requiredField_email": "Please enter your Email Address",
        "requiredField_username": "Please enter your sign in name",
        "password": "Password",
        "requiredField_password": "Please enter your password",
        "forgotpassword_link": "Forgot your password?",
        "createaccount_intro": "Don't have an account?",
        "createaccount_link": "Sign up now",
        "button_signin": "Sign in",
        "unknown_error": "We are having trouble signing you in. Please try again later.",
        "UserMessageIfClaimsPrincipalDoesNotExist": "We can't seem to find your account.",
        "initial_intro": "Please provide the following details.",
        "button_continue": "Create",
        "button_cancel": "Cancel",
        "required_field": "This information is required.",
        "required_field_missing": "A required field is missing. Please fill out all required fields and try again.",
        "field_incorrect": "One or more fields are filled out incorrectly. Please check your entries and try again.",
        "password_mismatch": "The password entry fields do not match. Please enter the same password in both fields and try again.",
        "help_link": "What is this?",
        "displayName": "Display Name",
        "givenName": "Given Name",
        "surname": "Surname",
        "email": "Email Address",
        "error_heading": "Sorry, but we're having trouble signing you in.",
        "error_help": "We track these errors automatically, but if the problem persists feel free to contact us. In the meantime, please try again.",
        "correlation_id": "Correlation ID:",
        "timestamp": "Timestamp:",
        "working": "Working...",
        "form_post_noscript": "Script is disabled. Click Submit to continue.",
        "submit": "Submit",
        "AADB2C90091": "The user has cancelled entering self-asserted information.",
    },
    "de": {
        "title_unified": "Registrieren oder anmelden",
        "title_selfasserted": "Benutzerdetails",
        "title_error": "Fehler",
        "heading": "Anmelden",
        "social_intro": "Mit Ihrem Konto für soziale Netzwerke anmelden",
        "divider_title": "ODER",
        "local_intro_email": "Mit Ihrer E-Mail-Adresse anmelden",
        "local_intro_username": "Mit Ihrem Anmeldenamen anmelden",
        "logonIdentifier_email": "E-Mail-Adresse",
        "logonIdentifier_username": "Anmeldename",
        "requiredField_email": "Geben Sie Ihre E-Mail-Adresse ein.",
        "requiredField_username": "Geben Sie Ihren Anmeldenamen ein.",
        "password": "Kennwort",
        "requiredField_password": "Geben Sie Ihr Kennwort ein.",
        "forgotpassword_link": "Kennwort vergessen?",
        "createaccount_intro": "Sie haben noch kein Konto?",
        "createaccount_link": "Jetzt registrieren",
        "button_signin": "Anmelden",
        "unknown_error": "Bei der Anmeldung ist ein Problem aufgetreten. Versuchen Sie es später erneut.",
        "UserMessageIfClaimsPrincipalDoesNotExist": "Ihr Konto wurde nicht gefunden.",
        "initial_intro": "Geben Sie die folgenden Informationen an.",
        "button_continue": "Erstellen",
        "button_cancel": "Abbrechen",
        "required_field": "Diese Information ist erforderlich.",
        "required_field_missing": "Ein erforderliches Feld fehlt. Füllen Sie alle erforderlichen Felder aus, und versuchen Sie es erneut.",
        "field_incorrect": "Mindestens ein Feld ist falsch ausgefüllt. Überprüfen Sie Ihre Eingaben, und versuchen Sie es erneut.",
        "password_mismatch": "Die Kennwörter stimmen nicht überein. Geben Sie in beide Felder dasselbe Kennwort ein, und versuchen Sie es erneut.",
        "help_link": "Was ist das?",
        "displayName": "Anzeigename",
        "givenName": "Vorname",
        "surname": "Nachname",
        "email": "E-Mail-Adresse",
        "error_heading": "Bei Ihrer Anmeldung ist ein Problem aufgetreten.",
        "error_help": "Diese Fehler werden automatisch erfasst. Wenn das Problem weiterhin besteht, wenden Sie sich an uns. Versuchen Sie es in der Zwischenzeit erneut.",
        "correlation_id": "Korrelations-ID:",
        "timestamp": "Zeitstempel:",
        "working": "Wird verarbeitet...",
        "form_post_noscript": "Skripts sind deaktiviert. Klicken Sie auf \"Senden\", um fortzufahren.",
        "submit": "Senden",
        "AADB2C90091": "Der Benutzer hat die Eingabe selbstbestätigter Informationen abgebrochen.",
    },
    "fr": {
        "title_unified": "S'inscrire ou se connecter",
        "title_selfasserted": "Détails de l'utilisateur",
        "title_error": "Erreur",
        "heading": "Se connecter",
        "social_intro": "Connectez-vous avec votre compte de réseau social",
        "divider_title": "OU",
        "local_intro_email": "Connectez-vous avec votre adresse e-mail",
        "local_intro_username": "Connectez-vous avec votre nom de connexion",
        "logonIdentifier_email": "Adresse e-mail",
        "logonIdentifier_username": "Nom de connexion",
        "requiredField_email": "Entrez votre adresse e-mail",
        "requiredField_username": "Entrez votre nom de connexion",
        "password": "Mot de passe",
        "requiredField_password": "Entrez votre mot de passe",
        "forgotpassword_link": "Vous avez oublié votre mot de passe ?",
        "createaccount_intro": "Vous n'avez pas de compte ?",
        "createaccount_link": "Inscrivez-vous maintenant",
        "button_signin": "Se connecter",
        "unknown_error": "Nous rencontrons des difficultés pour vous connecter. Réessayez plus tard.",
        "UserMessageIfClaimsPrincipalDoesNotExist": "Nous ne trouvons pas votre compte.",
        "initial_intro": "Fournissez les informations suivantes.",
        "button_continue": "Créer",
        "button_cancel": "Annuler",
        "required_field": "Ces informations sont obligatoires.",
        "required_field_missing": "Un champ obligatoire est manquant. Remplissez tous les champs obligatoires, puis réessayez.",
        "field_incorrect": "Un ou plusieurs champs sont mal remplis. Vérifiez vos entrées, puis réessayez.",
        "password_mismatch": "Les mots de passe ne correspondent pas. Entrez le même mot de passe dans les deux champs, puis réessayez.",
        "help_link": "Qu'est-ce que c'est ?",
        "displayName": "Nom d'affichage",
        "givenName": "Prénom",
        "surname": "Nom",
        "email": "Adresse e-mail",
        "error_heading": "Désolé, nous rencontrons des difficultés pour vous connecter.",
        "error_help": "Nous suivons ces erreurs automatiquement. Si le problème persiste, contactez-nous. En attendant, réessayez.",
        "correlation_id": "ID de corrélation :",
        "timestamp": "Horodatage :",
        "working": "Traitement...",
        "form_post_noscript": "Les scripts sont désactivés. Cliquez sur Envoyer pour continuer.",
        "submit": "Envoyer",
        "AADB2C90091": "L'utilisateur a annulé la saisie des informations déclarées spontanément.",
    },
    "it": {
        "title_unified": "Iscriviti o accedi",
        "title_selfasserted": "Dettagli utente",
        "title_error": "Errore",
        "heading": "Accedi",
        "social_intro": "Accedi con il tuo account di social networking",
        "divider_title": "OPPURE",
        "local_intro_email": "Accedi con il tuo indirizzo di posta elettronica",
        "local_intro_username": "Accedi con il tuo nome di accesso",
        "logonIdentifier_email": "Indirizzo di posta elettronica",
        "logonIdentifier_username": "Nome di accesso",
        "requiredField_email": "Immetti l'indirizzo di posta elettronica",
        "requiredField_username": "Immetti il nome di accesso",
        "password": "Password",
        "requiredField_password": "Immetti la password",
        "forgotpassword_link": "Password dimenticata?",
        "createaccount_intro": "Non hai un account?",
        "createaccount_link": "Iscriviti ora",
        "button_signin": "Accedi",
        "unknown_error": "Si è verificato un problema durante l'accesso. Riprova più tardi.",
        "UserMessageIfClaimsPrincipalDoesNotExist": "Impossibile trovare l'account.",
        "initial_intro": "Fornisci i dettagli seguenti.",
        "button_continue": "Crea",
        "button_cancel": "Annulla",
        "required_field": "Queste informazioni sono obbligatorie.",
        "required_field_missing": "Manca un campo obbligatorio. Compila tutti i campi obbligatori e riprova.",
        "field_incorrect": "Uno o più campi non sono compilati correttamente. Controlla i dati immessi e riprova.",
        "password_mismatch": "Le password non corrispondono. Immetti la stessa password in entrambi i campi e riprova.",
        "help_link": "Informazioni",
        "displayName": "Nome visualizzato",
        "givenName": "Nome",
        "surname": "Cognome",
        "email": "Indirizzo di posta elettronica",
        "error_heading": "Si è verificato un problema durante l'accesso.",
        "error_help": "Questi errori vengono registrati automaticamente. Se il problema persiste, contattaci. Nel frattempo riprova.",
        "correlation_id": "ID correlazione:",
        "timestamp": "Timestamp:",
        "working": "Elaborazione...",
        "form_post_noscript": "Gli script sono disabilitati. Fai clic su Invia per continuare.",
        "submit": "Invia",
        "AADB2C90091": "L'utente ha annullato l'immissione delle informazioni autocertificate.",
    },
}


def pick_locale(ui_locales: str | None, default: str = "en", offered: tuple[str, ...] | None = None) -> str:
    """The first language of ``ui_locales`` (``de-CH fr`` -> ``de``) that the emulator has texts for and, given
    ``offered`` (a custom policy's SupportedLanguages), the policy offers; else the default."""
    for tag in (ui_locales or "").replace(",", " ").split():
        language = tag.split("-")[0].split("_")[0].lower()
        if language in SUPPORTED and (offered is None or language in offered):
            return language
    return default if default in SUPPORTED else "en"


def browser_languages(accept_language: str | None) -> str:
    """An ``Accept-Language`` header's tags, most wanted first (``fr;q=0.5, de-CH`` -> ``de-CH fr``), as ``ui_locales`` lists them."""
    weighted = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip().removeprefix("q=")) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if tag and tag != "*" and q > 0:
            weighted.append((-q, index, tag))
    return " ".join(tag for _, _, tag in sorted(weighted))


def strings(locale: str) -> dict[str, str]:
    return STRINGS.get(locale, STRINGS["en"])
