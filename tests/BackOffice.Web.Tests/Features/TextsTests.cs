using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BackOffice.Klarna;
using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features;

/// <summary>
/// German and English: every text the code names has its German translation with the same placeholders; messages keep
/// their key and arguments until shown, then read in the reader's language with amounts in their culture; stored
/// messages (audit log, initializations, timeline) come back as they were, and older English text is shown as it is.
/// </summary>
public sealed partial class TextsTests
{
    private static readonly string SourceRoot = Path.Combine(Repository.Root(), "src", "BackOffice.Web");

    private static readonly IReadOnlyDictionary<string, string> German = XDocument.Load(Path.Combine(SourceRoot, "Features", "Texts.de.resx"))
        .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    private static readonly IStringLocalizer Texts = new ServiceCollection().AddLogging().AddTexts().BuildServiceProvider()
        .GetRequiredService<IStringLocalizer<Texts>>();

    public static TheoryData<Type> ShownEnums =>
        [typeof(TransactionState), typeof(OperationKind), typeof(OperationState), typeof(ProviderEnvironment), typeof(UserStatus), typeof(InvoiceShipment),
         typeof(PClassType), typeof(AuthorizationStatus), typeof(OrderStatus), typeof(BulkAction), typeof(BackOffice.Web.Features.Payments.Capabilities),
         typeof(BackOffice.Web.Features.Computop.ComputopBatchState), typeof(BackOffice.Web.Features.KlarnaRest.CardChargeState),
         typeof(BackOffice.Web.Features.KlarnaRest.VirtualCardKeyState), typeof(BackOffice.Web.Features.Subscriptions.SubscriptionState),
         typeof(BackOffice.Web.Features.Subscriptions.SubscriptionChargeState), typeof(BackOffice.Web.Features.Subscriptions.PlanKind),
         typeof(BackOffice.Web.Features.Subscriptions.BillingInterval)];

    [Fact]
    public void Every_text_the_code_names_has_a_german_translation()
    {
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(SourceRoot, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains("Migrations", StringComparison.Ordinal)))
        {
            foreach (Match match in NamedText().Matches(File.ReadAllText(file)))
            {
                var key = Regex.Unescape(match.Groups["key"].Value);
                if (key.Any(char.IsLetter) && !German.ContainsKey(key))
                    missing.Add($"{Path.GetFileName(file)}: {key}");
            }
        }
        Assert.True(missing.Count == 0, "No German for:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void Every_translation_keeps_the_placeholders_of_its_english_text()
    {
        // MudBlazor's keys and the own entries of enum values ("OperationKind.Capture") are names, not English text.
        var broken = German.Where(t => !t.Key.StartsWith("Mud", StringComparison.Ordinal) && !EnumValueKey().IsMatch(t.Key) && Placeholders(t.Key) != Placeholders(t.Value))
            .Select(t => $"{t.Key} → {t.Value}");
        Assert.Empty(broken);
    }

    [Fact]
    public void No_two_texts_differ_only_in_case()
    {
        // The resources treat "On" and "on" as one name, so one of the two translations would be lost.
        var clashes = German.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g));
        Assert.Empty(clashes);
    }

    [Theory]
    [MemberData(nameof(ShownEnums))]
    public void Every_value_of_an_enum_the_pages_show_reads_in_german(Type type)
    {
        var missing = Enum.GetValues(type).Cast<Enum>().Select(EnumTexts.English).Where(name => !German.ContainsKey(name));
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_word_a_provider_module_gives_the_pages_reads_in_german()
    {
        var words = PaymentProviders.All.Where(d => d.ReconcileDialog.Assembly == typeof(Program).Assembly).SelectMany(d => (string?[])[d.Name, d.HoldName, d.ReferenceLabel, d.CallReferenceLabel, d.ShopReferenceLabel, d.MerchantLabel, d.StartedAs,
            d.DocumentGoneNote, .. d.Services.SelectMany(s => (string[])[s.Name, s.ShortName]), .. d.Pages.Select(p => p.Title)]);

        Assert.Empty(words.OfType<string>().Where(word => !German.ContainsKey(word)).Distinct());
    }

    [Fact]
    public void A_message_reads_in_the_readers_language_with_its_amount_in_the_readers_culture()
    {
        var refused = new Message("At most {0} can be captured.", new Amount(129_900, "EUR"));

        Assert.Equal("At most EUR\u00A01,299.00 can be captured.", refused.ToString());
        Assert.Equal("At most EUR\u00A01,299.00 can be captured.", In("en-US", () => Texts.Text(refused)));
        Assert.Equal("Höchstens 1.299,00\u00A0€ können erfasst werden.", In("de-DE", () => Texts.Text(refused)));
        Assert.Equal("Erfassen", In("de-DE", () => Texts["Capture"].Value));
    }

    [Fact]
    public void Enums_and_messages_within_a_message_are_translated_too()
    {
        var busy = new Message("The outcome of “{0}”, started by {1}, is not known yet; reconcile it first.", OperationKind.Capture, "erika@test.local");
        var refused = KlarnaFaultMessages.For(new KlarnaFaultException(2102, "amount"));
        var state = new Message("A {0} transaction cannot be captured.", TransactionState.PartRefunded);

        Assert.Equal("The outcome of “Capture”, started by erika@test.local, is not known yet; reconcile it first.", busy.ToString());
        Assert.Equal("Der Ausgang von „Erfassung“, gestartet von erika@test.local, ist noch unbekannt; gleichen Sie zuerst ab.", In("de-DE", () => Texts.Text(busy)));
        Assert.Equal("Klarna hat abgelehnt (Fehler 2102): Der Betrag ist höher als das, was Klarna für diese Reservierung noch hält.", In("de-DE", () => Texts.Text(refused)));
        Assert.Equal("Eine Transaktion im Status „Teilweise erstattet“ kann nicht erfasst werden.", In("de-DE", () => Texts.Text(state)));
    }

    [Fact]
    public void A_refusal_keeps_its_key_and_arguments_and_says_it_in_english_to_logs()
    {
        var refusal = new BusinessRuleException("There is no channel '{0}'.", "shop-de");

        Assert.Equal("There is no channel 'shop-de'.", refusal.Message);
        Assert.Equal("Es gibt keinen Kanal „shop-de“.", In("de-DE", () => Texts.Text(refusal)));
    }

    [Fact]
    public void A_stored_message_comes_back_with_its_key_and_arguments_and_old_english_text_stays_as_it_was()
    {
        var changes = Message.Join("; ", [new Message("{0}: {1} → {2}", new Message("Enabled"), new Message("Off"), new Message("On")), new Message("Shared secret set")]);
        var entry = new AuditEntry(DateTimeOffset.UnixEpoch, "admin", "Channels", "Service saved", "demo / Klarna Invoice", changes);

        Assert.Equal("Enabled: Off → On; Shared secret set", entry.Details);
        Assert.Equal(changes, entry.DetailsMessage);
        Assert.Equal("Aktiviert: Aus → An; Shared Secret gesetzt", In("de-DE", () => Texts.Text(entry.DetailsMessage)));
        Assert.Equal(new Message("Captured {0}; invoice {1}.", "EUR\u00A025.50", "7"),
            Message.FromJson(new Message("Captured {0}; invoice {1}.", new Amount(2_550, "EUR"), 7).ToJson()));
        Assert.Equal("Captured EUR 25.50; invoice 7 (before keys were kept).", Message.FromJson("Captured EUR 25.50; invoice 7 (before keys were kept).").ToString());
        Assert.Equal("Es war bereits abgeschlossen.", In("de-DE", () => Texts.Text(Message.FromJson("It was settled already."))));
    }

    [Fact]
    public void An_audit_entry_names_a_transactions_operation_as_the_timeline_does()
    {
        AuditEntry Entry(string action) => new(DateTimeOffset.UnixEpoch, "x", "Transactions", action, "ORDER (1)", new Message("done"));
        var subjects = new AuditSubjects([new AuditActionKinds("Transactions", typeof(OperationKind))]);

        Assert.Equal("Expiry extension", subjects.Action(Entry("ExtendExpiry")).ToString());
        Assert.Equal("Reconciled: Capture", subjects.Action(Entry("Reconciled Capture")).ToString());
        Assert.Equal("Abgeglichen: Erfassung", In("de-DE", () => Texts.Text(subjects.Action(Entry("Reconciled Capture")))));
        Assert.Equal("Aus der Batch-Datei zurückgezogen: Erfassung", In("de-DE", () => Texts.Text(subjects.Action(Entry("Withdrawn Capture")))));
        Assert.Equal("Bulk capture everything started", subjects.Action(Entry("Bulk capture everything started")).ToString());
    }

    [Fact]
    public void Mudblazors_own_texts_come_from_the_same_resources_in_german_and_its_english_otherwise()
    {
        var services = new ServiceCollection().AddLogging().AddTexts().BuildServiceProvider();
        var mud = services.GetRequiredService<MudBlazor.MudLocalizer>();

        Assert.Equal("Zeilen pro Seite:", In("de-DE", () => mud["MudDataGridPager_RowsPerPage"].Value));
        Assert.Equal("1–25 von 60", In("de-DE", () => mud["MudDataGridPager_InfoFormat", 1, 25, 60].Value));
        Assert.True(In("en-US", () => mud["MudDataGridPager_RowsPerPage"].ResourceNotFound), "English is MudBlazor's own.");
    }

    private static T In<T>(string culture, Func<T> read)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return read();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
        }
    }

    private static string Placeholders(string text) => string.Join(",", PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));


    /// <summary>A text named where it is shown: <c>L["…"]</c>, <c>new Message("…")</c>, <c>BusinessRuleException("…")</c>.</summary>
    [GeneratedRegex("""(?:\bL\[|\btexts\[|new Message\(|BusinessRuleException\()"(?<key>(?:[^"\\]|\\.)*)"(?=[,\]\)])""")]
    private static partial Regex NamedText();

    [GeneratedRegex(@"\{(\d+)(?::[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^\w+\.\w+$")]
    private static partial Regex EnumValueKey();
}
