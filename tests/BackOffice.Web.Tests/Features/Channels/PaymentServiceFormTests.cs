using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Channels;

public sealed class PaymentServiceFormTests : BackOfficeTestContext
{
    private readonly List<(PaymentServiceSettings Settings, string? NewSecret)> saved = [];

    [Fact]
    public async Task Enabling_without_a_merchant_id_or_secret_shows_why_and_saves_nothing()
    {
        var form = RenderForm(Service());

        await form.Find("input[type=checkbox]").ChangeAsync(new ChangeEventArgs { Value = true });
        await form.FindAll("button").Single(b => b.TextContent.Contains("Save", StringComparison.Ordinal)).ClickAsync(new());

        form.WaitForAssertion(() =>
        {
            Assert.Contains("An enabled service needs a merchant ID.", form.Markup, StringComparison.Ordinal);
            Assert.Contains("An enabled service needs a shared secret.", form.Markup, StringComparison.Ordinal);
        });
        Assert.Empty(saved);
    }

    [Fact]
    public async Task A_merchant_id_below_one_is_refused()
    {
        var form = RenderForm(Service());

        await MerchantIdInput(form).InputAsync(new ChangeEventArgs { Value = "-3" });
        await SaveButton(form).ClickAsync(new());

        form.WaitForAssertion(() => Assert.Contains("The merchant ID is a positive whole number.", form.Markup, StringComparison.Ordinal));
        Assert.Empty(saved);
    }

    [Fact]
    public async Task Valid_settings_are_handed_on_with_the_new_secret()
    {
        var form = RenderForm(Service());

        await MerchantIdInput(form).InputAsync(new ChangeEventArgs { Value = "1395" });
        await SecretInput(form).InputAsync(new ChangeEventArgs { Value = "new-secret" });
        await SaveButton(form).ClickAsync(new());

        form.WaitForAssertion(() => Assert.Single(saved));
        Assert.Equal(1395, saved[0].Settings.MerchantId);
        Assert.Equal("new-secret", saved[0].NewSecret);
    }

    [Fact]
    public async Task The_secret_field_never_shows_the_secret_and_an_empty_field_keeps_it()
    {
        var form = RenderForm(Service(hasSecret: true, merchantId: 1395, enabled: true));

        Assert.Equal("password", SecretInput(form).GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(SecretInput(form).GetAttribute("value")));
        Assert.Contains("Set. Leave empty to keep it", form.Markup, StringComparison.Ordinal);
        await SaveButton(form).ClickAsync(new());

        form.WaitForAssertion(() => Assert.Single(saved));
        Assert.Null(saved[0].NewSecret);
    }

    [Fact]
    public async Task A_live_service_asks_for_confirmation_before_saving()
    {
        var provider = Render<MudDialogProvider>();
        var form = RenderForm(Service(hasSecret: true, merchantId: 1395, enabled: true, live: true));

        // The click's handler waits for the answer to the dialog, so it is not awaited here.
        var cancelled = SaveButton(form).ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Contains("Change the live Klarna Invoice?", provider.Markup, StringComparison.Ordinal));
        Assert.Empty(saved);
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        await cancelled;
        Assert.Empty(saved);

        var confirmed = SaveButton(form).ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Contains("Change the live Klarna Invoice?", provider.Markup, StringComparison.Ordinal));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Save").ClickAsync(new());
        await confirmed;

        Assert.Single(saved);
    }

    [Fact]
    public async Task A_typed_secret_is_an_unsaved_change_until_it_is_cleared_or_saved()
    {
        var dirty = new List<bool>();
        var form = Render<PaymentServiceForm>(p => p
            .Add(f => f.Service, Service(hasSecret: true, merchantId: 1395, enabled: true))
            .Add(f => f.DirtyChanged, (Action<bool>)dirty.Add));

        await SecretInput(form).InputAsync(new ChangeEventArgs { Value = "wrong-secret" });
        form.WaitForAssertion(() => Assert.True(dirty[^1]));
        await SecretInput(form).InputAsync(new ChangeEventArgs { Value = "" });
        form.WaitForAssertion(() => Assert.False(dirty[^1]));
        await MerchantIdInput(form).InputAsync(new ChangeEventArgs { Value = "2728" });
        form.WaitForAssertion(() => Assert.True(dirty[^1]));

        form.Render(p => p.Add(f => f.Service, Service(hasSecret: true, merchantId: 2728, enabled: true)));
        form.WaitForAssertion(() => Assert.False(dirty[^1]));
    }

    private IRenderedComponent<PaymentServiceForm> RenderForm(PaymentServiceView service) =>
        Render<PaymentServiceForm>(p => p
            .Add(f => f.Service, service)
            .Add(f => f.OnSave, (Action<(PaymentServiceSettings, string?)>)(change => saved.Add(change))));

    private static PaymentServiceView Service(bool hasSecret = false, int? merchantId = null, bool enabled = false, bool live = false) =>
        new(KlarnaModule.Invoice, new PaymentServiceSettings(enabled, merchantId, live, false, false, InvoiceShipment.EMail),
            hasSecret, live ? ProviderEnvironment.Live : ProviderEnvironment.Test, null, Guid.NewGuid());

    private static AngleSharp.Dom.IElement MerchantIdInput(IRenderedComponent<PaymentServiceForm> form) =>
        form.FindAll("input").Single(i => i.GetAttribute("inputmode") == "numeric" || i.GetAttribute("type") == "number");

    private static AngleSharp.Dom.IElement SecretInput(IRenderedComponent<PaymentServiceForm> form) => form.Find("input[type=password]");

    private static AngleSharp.Dom.IElement SaveButton(IRenderedComponent<PaymentServiceForm> form) =>
        form.FindAll("button").Single(b => b.TextContent.Contains("Save", StringComparison.Ordinal));
}
