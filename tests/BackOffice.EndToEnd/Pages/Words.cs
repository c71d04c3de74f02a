using System.Globalization;

namespace BackOffice.EndToEnd.Pages;

/// <summary>
/// The names the page objects find things by, in the language the page is shown in: English as written, German from
/// this table (the app's own Texts.de.resx is what it checks, so a changed translation fails here on purpose).
/// </summary>
public sealed class Words
{
    private static readonly Dictionary<string, string> InGerman = new(StringComparer.Ordinal)
    {
        ["Import payouts"] = "Auszahlungen importieren",
        ["Email"] = "E-Mail",
        ["Password"] = "Passwort",
        ["Log in"] = "Anmelden",
        ["Main navigation"] = "Hauptnavigation",
        ["Switch to dark mode"] = "Zum dunklen Modus wechseln",
        ["Switch to light mode"] = "Zum hellen Modus wechseln",
        ["Sign out"] = "Abmelden",
        ["Search"] = "Suche",
        ["Export CSV"] = "CSV exportieren",
        ["Select {0}"] = "{0} auswählen",
        ["Clear selection"] = "Auswahl aufheben",
        ["Order {0}"] = "Bestellung {0}",
        ["Order number"] = "Bestellnummer",
        ["Queue"] = "Vormerken",
        ["Withdraw {0}"] = "{0} zurückziehen",
        ["Actions"] = "Aktionen",
        ["Capture"] = "Erfassen",
        ["Refund"] = "Erstatten",
        ["Edit address"] = "Adresse bearbeiten",
        ["Order lines"] = "Bestellpositionen",
        ["Quantity of {0}"] = "Menge von {0}",
        ["Review"] = "Prüfen",
        ["Capture {0}"] = "{0} erfassen",
        ["Capture {0} from order"] = "{0} von Bestellung",
        ["Confirm capture"] = "Erfassung bestätigen",
        ["Captured {0}"] = "{0} erfasst",
        ["Street"] = "Straße",
        ["No."] = "Nr.",
        ["Postal code"] = "Postleitzahl",
        ["City"] = "Ort",
        ["Send to Klarna"] = "An Klarna senden",
        ["changed at Klarna"] = "bei Klarna geändert",
        ["An amount"] = "Einen Betrag",
        ["Amount"] = "Betrag",
        ["Refund {0}"] = "{0} erstatten",
        ["Refund {0} on invoice"] = "{0} auf Rechnung",
        ["Confirm refund"] = "Erstattung bestätigen",
        ["Refunded {0}"] = "{0} auf Rechnung",
        ["done…"] = "erledigt …",
        ["Capture everything"] = "Alles erfassen",
        ["Save this view"] = "Diese Ansicht speichern",
        ["Edit lines"] = "Positionen bearbeiten",
        ["Cancel"] = "Stornieren",
        ["Change order number"] = "Bestellnummer ändern",
        ["Extend expiry"] = "Ablauf verlängern",
        ["Resend invoice"] = "Rechnung erneut senden",
        ["Release remaining"] = "Rest freigeben",
        ["Extend due date"] = "Fälligkeit verlängern",
        ["New user"] = "Neuer Benutzer",
        ["New channel"] = "Neuer Kanal",
    };

    private readonly bool german;

    private Words(bool german) => this.german = german;

    public static Words English { get; } = new(false);

    public static Words German { get; } = new(true);

    public string this[string english, params object[] arguments] =>
        string.Format(CultureInfo.InvariantCulture, german ? InGerman[english] : english, arguments);
}
