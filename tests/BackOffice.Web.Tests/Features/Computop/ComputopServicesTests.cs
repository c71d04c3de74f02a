using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>A channel's Computop service: write-only secrets kept encrypted and out of the audit log, refusals that change nothing, and Initialize telling what is wrong.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ComputopServicesTests : IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");
    private readonly BackOfficeAppFactory app = new();

    public Task InitializeAsync()
    {
        app.StartOnLoopback();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ComputopServices Services => app.Service<ComputopServices>();

    [Fact]
    public async Task Initialize_proves_the_merchant_and_tells_a_wrong_hmac_key_a_wrong_blowfish_password_and_an_unknown_merchant_apart()
    {
        var right = await Services.InitializeAsync(Admin, ComputopOrders.Channel);
        await SaveAsync(hmac: "not-the-key");
        var wrongKey = await Services.InitializeAsync(Admin, ComputopOrders.Channel);
        await SaveAsync(hmac: ComputopOrders.Merchant.HmacKey, blowfish: "not-the-pass");
        var wrongPassword = await Services.InitializeAsync(Admin, ComputopOrders.Channel);
        await SaveAsync(merchantId: "KP_Nobody", blowfish: ComputopOrders.Merchant.BlowfishPassword);
        var unknown = await Services.InitializeAsync(Admin, ComputopOrders.Channel);

        Assert.True(right.Succeeded, right.Message.ToString());
        Assert.Equal((false, "Paygate refused the MAC: check the HMAC key."), (wrongKey.Succeeded, wrongKey.Message.ToString()));
        Assert.Equal((false, "Paygate's answer cannot be read with this Blowfish password: check the password."), (wrongPassword.Succeeded, wrongPassword.Message.ToString()));
        Assert.Equal((false, "Paygate does not know the merchant KP_Nobody."), (unknown.Succeeded, unknown.Message.ToString()));
        var view = await Services.FindAsync(ComputopOrders.Channel);
        Assert.Equal(("KP_Nobody", false), (view.LastInitialization!.MerchantId, view.LastInitialization.Succeeded));
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted_shown_only_as_set_and_never_written_to_the_audit_log()
    {
        var changes = await SaveAsync(hmac: "brand-new-hmac-secret", blowfish: "brand-new-bf");

        Assert.Equal(["HMAC key replaced", "Blowfish password replaced"], changes.Select(c => c.ToString()));
        await using var db = await Database();
        var stored = await db.ComputopServices.AsNoTracking().SingleAsync();
        Assert.DoesNotContain("brand-new", stored.ProtectedHmacKey + stored.ProtectedBlowfishPassword, StringComparison.Ordinal);
        var audit = await db.AuditEntries.Where(e => e.Action == "Service saved").Select(e => e.Details).ToListAsync();
        Assert.Contains("HMAC key replaced", Assert.Single(audit), StringComparison.Ordinal);
        Assert.DoesNotContain("brand-new", audit[0], StringComparison.Ordinal);
        var view = await Services.FindAsync(ComputopOrders.Channel);
        Assert.Equal((true, true), (view.HasHmacKey, view.HasBlowfishPassword));
    }

    [Theory]
    [InlineData("KP Shop", null, null, null, "A Computop merchant ID has only letters")]
    [InlineData("KP_DemoShop", "ftp://paygate.example", null, null, "is not a web address")]
    [InlineData("KP_DemoShop", null, " ", null, "An HMAC key cannot be blank.")]
    [InlineData("KP_DemoShop", null, null, "abc", "The Blowfish password is not one Paygate uses")]
    [InlineData("KP_DemoShop", "https://paygate.example/LONG", null, null, "A web address has at most 200 characters.")]
    [InlineData("KP_DemoShop", null, "LONG", null, "An HMAC key has at most 200 characters.")]
    public async Task Bad_settings_are_refused_and_change_nothing(string merchantId, string? baseUrl, string? hmac, string? blowfish, string refusal)
    {
        var before = await Services.FindAsync(ComputopOrders.Channel);
        (baseUrl, hmac) = (baseUrl?.Replace("LONG", new string('p', 2000), StringComparison.Ordinal), hmac?.Replace("LONG", new string('k', 2000), StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<BusinessRuleException>(() =>
            Services.SaveAsync(Admin, ComputopOrders.Channel, new ComputopServiceSettings(true, merchantId, false, baseUrl), hmac, blowfish, before.Version));

        Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Services.FindAsync(ComputopOrders.Channel));
    }

    [Fact]
    public async Task A_channel_gets_its_service_when_first_saved_and_an_enabled_one_needs_both_secrets()
    {
        await app.Service<BackOffice.Web.Features.Channels.ChannelService>().CreateAsync(Admin, "shop-ch", "Shop CH");

        var missing = await Assert.ThrowsAsync<BusinessRuleException>(() =>
            Services.SaveAsync(Admin, "shop-ch", new ComputopServiceSettings(true, "KP_Ch", false, null), "hmac", null, Guid.Empty));
        await Services.SaveAsync(Admin, "shop-ch", new ComputopServiceSettings(false, "KP_Ch", false, "https://paymentpage.axepta.bnpparibas/"), null, null, Guid.Empty);
        var stale = await Assert.ThrowsAsync<BusinessRuleException>(() =>
            Services.SaveAsync(Admin, "shop-ch", new ComputopServiceSettings(false, "KP_Other", false, null), null, null, Guid.Empty));

        Assert.Equal("An enabled service needs the Blowfish password.", missing.Message);
        Assert.Contains("Someone else changed", stale.Message, StringComparison.Ordinal);
        Assert.Equal(("KP_Ch", "https://paymentpage.axepta.bnpparibas/"), ((await Services.FindAsync("shop-ch")).Settings.MerchantId, (await Services.FindAsync("shop-ch")).Settings.BaseUrl));
        var list = await app.Service<BackOffice.Web.Features.Channels.ChannelService>().ListAsync();
        BackOffice.Web.Features.Channels.ServiceSummary Summary(bool enabled) => new(ComputopModule.KlarnaPayments, "Klarna Payments", enabled, ProviderEnvironment.Test);
        Assert.Equal((null, Summary(false), Summary(true)),
            (list.Single(c => c.Code == "demo").Services.SingleOrDefault(s => s.Service == ComputopModule.KlarnaPayments), list.Single(c => c.Code == "shop-ch").Services.SingleOrDefault(s => s.Service == ComputopModule.KlarnaPayments),
                list.Single(c => c.Code == ComputopOrders.Channel).Services.SingleOrDefault(s => s.Service == ComputopModule.KlarnaPayments)));
        Assert.Equal(Summary(false), (await app.Service<BackOffice.Web.Features.Channels.ChannelService>().FindAsync("shop-ch"))!.Services.SingleOrDefault(s => s.Service == ComputopModule.KlarnaPayments));
    }

    [Fact]
    public async Task Only_administrators_change_it()
    {
        var operatorUser = app.Staff(Roles.Operator, "clerk@test.local");

        await Assert.ThrowsAsync<AccessRefusedException>(() =>
            Services.SaveAsync(operatorUser, ComputopOrders.Channel, new ComputopServiceSettings(false, "KP_DemoShop", false, null), null, null, Guid.Empty));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Services.InitializeAsync(operatorUser, ComputopOrders.Channel));
    }

    private async Task<IReadOnlyList<Message>> SaveAsync(string? merchantId = null, string? hmac = null, string? blowfish = null)
    {
        var current = await Services.FindAsync(ComputopOrders.Channel);
        return await Services.SaveAsync(Admin, ComputopOrders.Channel, current.Settings with { MerchantId = merchantId ?? current.Settings.MerchantId }, hmac, blowfish, current.Version);
    }

    private Task<BackOfficeDbContext> Database() => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
}
