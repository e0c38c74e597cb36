"""Page languages: ``ui_locales`` as Mobile ID reads it, and the page texts."""

from __future__ import annotations

import re

from mocks.common.languages import accepted_languages, primary_language
from mocks.mobileid import errors
from mocks.mobileid.errors import MidError

LANGUAGES = ("en", "de", "fr", "it")


# A language tag as BCP 47 writes one (any case): en_US or fr- is none, and no language of the reference's list either.
WELL_FORMED = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def language_from_ui_locales(value: str) -> str | MidError:
    """One tag whose primary language we speak (``en-US`` -> ``en``); several -> 1030; others, and what is no tag -> 1040."""
    tags = value.replace(",", " ").split()  # "en,de" is two values as "en de" is
    if len(tags) != 1:
        return errors.UI_LOCALES_NOT_SINGLE
    primary = primary_language(tags[0])
    return primary if primary in LANGUAGES and WELL_FORMED.fullmatch(tags[0]) else errors.UI_LOCALES_INVALID


def language_from_accept(header: str | None) -> str:
    """The browser's most wanted language of ours (Accept-Language), else English."""
    return next((primary for primary in map(primary_language, accepted_languages(header)) if primary in LANGUAGES), "en")


TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "login_title": "Log in with Mobile ID",
        "login_intro": "{client} asks you to log in with Mobile ID.",
        "msisdn_label": "Mobile number",
        "msisdn_placeholder": "+41 79 123 45 67",
        "msisdn_error": "Please enter a valid mobile number, for example +41 79 123 45 67.",
        "msisdn_not_offered": "Please choose one of the offered mobile numbers.",
        "continue": "Continue",
        "wait_title": "Confirm on your phone",
        "wait_intro": "We sent a request to {msisdn}. Confirm it on your phone.",
        "transaction_label": "Transaction number",
        "wait_check": "Check that your phone shows the same transaction number.",
        "consent_title": "Share your data",
        "consent_intro": "{client} would like to receive:",
        "consent_accept": "Allow",
        "consent_decline": "Deny",
        "claim_phone": "your phone number",
        "claim_profile": "your Mobile ID profile (serial number, status)",
        "error_title": "Login not possible",
        "error_intro": "The login request cannot be processed.",
        "redirect_title": "Returning to the application",
        "phone_message": "Do you want to login to #CLIENT#? Transaction number #SESSION#",
    },
    "de": {
        "login_title": "Mit Mobile ID anmelden",
        "login_intro": "{client} bittet Sie, sich mit Mobile ID anzumelden.",
        "msisdn_label": "Mobilnummer",
        "msisdn_placeholder": "+41 79 123 45 67",
        "msisdn_error": "Bitte geben Sie eine gültige Mobilnummer ein, zum Beispiel +41 79 123 45 67.",
        "msisdn_not_offered": "Bitte wählen Sie eine der angebotenen Mobilnummern.",
        "continue": "Weiter",
        "wait_title": "Bestätigen Sie auf Ihrem Telefon",
        "wait_intro": "Wir haben eine Anfrage an {msisdn} gesendet. Bestätigen Sie sie auf Ihrem Telefon.",
        "transaction_label": "Transaktionsnummer",
        "wait_check": "Prüfen Sie, dass Ihr Telefon dieselbe Transaktionsnummer anzeigt.",
        "consent_title": "Daten freigeben",
        "consent_intro": "{client} möchte Folgendes erhalten:",
        "consent_accept": "Erlauben",
        "consent_decline": "Ablehnen",
        "claim_phone": "Ihre Telefonnummer",
        "claim_profile": "Ihr Mobile-ID-Profil (Seriennummer, Status)",
        "error_title": "Anmeldung nicht möglich",
        "error_intro": "Die Anmeldeanfrage kann nicht verarbeitet werden.",
        "redirect_title": "Zurück zur Anwendung",
        "phone_message": "Möchten Sie sich bei #CLIENT# anmelden? Transaktion Nummer #SESSION#",
    },
    "fr": {
        "login_title": "Se connecter avec Mobile ID",
        "login_intro": "{client} vous demande de vous connecter avec Mobile ID.",
        "msisdn_label": "Numéro de mobile",
        "msisdn_placeholder": "+41 79 123 45 67",
        "msisdn_error": "Veuillez saisir un numéro de mobile valide, par exemple +41 79 123 45 67.",
        "msisdn_not_offered": "Veuillez choisir l'un des numéros proposés.",
        "continue": "Continuer",
        "wait_title": "Confirmez sur votre téléphone",
        "wait_intro": "Nous avons envoyé une demande au {msisdn}. Confirmez-la sur votre téléphone.",
        "transaction_label": "Numéro de transaction",
        "wait_check": "Vérifiez que votre téléphone affiche le même numéro de transaction.",
        "consent_title": "Partager vos données",
        "consent_intro": "{client} souhaite recevoir :",
        "consent_accept": "Autoriser",
        "consent_decline": "Refuser",
        "claim_phone": "votre numéro de téléphone",
        "claim_profile": "votre profil Mobile ID (numéro de série, statut)",
        "error_title": "Connexion impossible",
        "error_intro": "La demande de connexion ne peut pas être traitée.",
        "redirect_title": "Retour à l'application",
        "phone_message": "Voulez-vous vous connecter à #CLIENT# ? Transaction numéro #SESSION#",
    },
    "it": {
        "login_title": "Accedi con Mobile ID",
        "login_intro": "{client} le chiede di accedere con Mobile ID.",
        "msisdn_label": "Numero di cellulare",
        "msisdn_placeholder": "+41 79 123 45 67",
        "msisdn_error": "Inserisca un numero di cellulare valido, ad esempio +41 79 123 45 67.",
        "msisdn_not_offered": "Scelga uno dei numeri proposti.",
        "continue": "Continua",
        "wait_title": "Confermi sul suo telefono",
        "wait_intro": "Abbiamo inviato una richiesta al {msisdn}. La confermi sul suo telefono.",
        "transaction_label": "Numero di transazione",
        "wait_check": "Verifichi che il telefono mostri lo stesso numero di transazione.",
        "consent_title": "Condividere i dati",
        "consent_intro": "{client} desidera ricevere:",
        "consent_accept": "Consenti",
        "consent_decline": "Rifiuta",
        "claim_phone": "il suo numero di telefono",
        "claim_profile": "il suo profilo Mobile ID (numero di serie, stato)",
        "error_title": "Accesso non possibile",
        "error_intro": "La richiesta di accesso non può essere elaborata.",
        "redirect_title": "Ritorno all'applicazione",
        "phone_message": "Vuoi accedere a #CLIENT#? Transazione numero #SESSION#",
    },
}
