using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>
/// A channel's keys for Klarna's virtual cards: generated in the app with the private half encrypted at rest and never
/// shown, enrolled with Klarna's key ID, one default for new settlements, retired keys out of use; every change audited.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class VirtualCardKeysTests : IAsyncLifetime
{
    private const string Card = "{\"pan\":\"4111111111111111\",\"expiry_date\":\"12/29\",\"cvv\":\"123\"}";

    private readonly BackOfficeAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private VirtualCardKeys Keys => app.Service<VirtualCardKeys>();

    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");

    private async Task<List<VirtualCardKey>> StoredAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.VirtualCardKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync();
    }

    [Fact]
    public async Task A_generated_key_shows_its_public_jwk_and_keeps_its_private_half_encrypted_yet_usable_by_the_app()
    {
        var view = await Keys.GenerateAsync(Admin, "demo");

        Assert.Equal((VirtualCardKeyState.AwaitingKeyId, false, null, 3072), (view.State, view.IsDefault, view.KlarnaKeyId, view.Bits));
        using var publicKey = KlarnaJwk.Read(view.PublicJwk, out var error);
        Assert.Null(error);
        Assert.Equal(3072, publicKey!.KeySize);
        var stored = Assert.Single(await StoredAsync());
        Assert.ThrowsAny<CryptographicException>(() => RSA.Create().ImportPkcs8PrivateKey(Convert.FromBase64String(stored.ProtectedPrivateKey!), out _));
        var (aesKey, iv, pciData) = KlarnaCardCrypto.Encrypt("""{"pan":"4111111111111111","expiry_date":"12/29","cvv":"123"}"""u8, publicKey);
        using var privateKey = Keys.Open(stored);
        using var card = KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "c", AesKey = aesKey, Iv = iv, PciData = pciData }, privateKey);
        Assert.Equal("4111111111111111", Encoding.ASCII.GetString(card.Pan.Span));
        Assert.DoesNotContain(typeof(VirtualCardKeyView).GetProperties(), p => p.Name.Contains("Private", StringComparison.Ordinal));
    }

    /// <summary>The app's own generator (the other tests take pairs made ahead, see <see cref="VirtualCardKeysMadeAhead"/>).</summary>
    [Fact]
    public void The_generator_makes_a_new_pair_of_3072_bits_each_time()
    {
        var generator = new VirtualCardKeyGenerator();

        using var first = generator.Generate();
        using var second = generator.Generate();

        Assert.Equal((3072, 3072), (first.KeySize, second.KeySize));
        Assert.NotEqual(first.ExportRSAPublicKey(), second.ExportRSAPublicKey());
    }

    [Fact]
    public async Task The_first_key_enrolled_is_the_default_another_takes_over_when_chosen_and_retiring_the_default_hands_it_on()
    {
        var first = await Keys.GenerateAsync(Admin, "demo");
        var second = await Keys.GenerateAsync(Admin, "demo");

        await Keys.EnrolAsync(Admin, "demo", first.Id, " 16e4b85e-899b-4427-a39f-07a496e9515b ");
        await Keys.EnrolAsync(Admin, "demo", second.Id, "2a0c7a47-0d36-4c8f-8a9e-2f1d7c1f4d11");
        var afterEnrol = await StoredAsync();
        await Keys.MakeDefaultAsync(Admin, "demo", second.Id);
        var afterChoice = await StoredAsync();
        await Keys.RetireAsync(Admin, "demo", second.Id);
        var afterRetire = await StoredAsync();
        await Keys.RetireAsync(Admin, "demo", first.Id);

        Assert.Equal([(true, "16e4b85e-899b-4427-a39f-07a496e9515b"), (false, "2a0c7a47-0d36-4c8f-8a9e-2f1d7c1f4d11")], afterEnrol.Select(k => (k.IsDefault, k.KlarnaKeyId!)));
        Assert.Equal([false, true], afterChoice.Select(k => k.IsDefault));
        Assert.Equal([(true, VirtualCardKeyState.Active), (false, VirtualCardKeyState.Retired)], afterRetire.Select(k => (k.IsDefault, k.State)));
        Assert.Null(await Keys.DefaultAsync(afterRetire[0].ChannelId));
        Assert.All(await StoredAsync(), k => Assert.Equal(VirtualCardKeyState.Retired, k.State));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.Where(e => e.Subject == "demo / Virtual card keys").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
        Assert.Equal(["Key generated", "Key generated", "Key enrolled", "Key enrolled", "Default key changed", "Key retired", "Key retired"], audit);
    }

    [Theory]
    [InlineData("", "Enter the key ID Klarna gave for this key.")]
    [InlineData("has space", "A key ID has no spaces and only plain letters, digits and signs.")]
    [InlineData("taken", "Another key of this channel has Klarna's key ID {0} already.")]
    public async Task A_wrong_or_taken_key_id_is_refused_and_changes_nothing(string keyId, string refusal)
    {
        var taken = await Keys.GenerateAsync(Admin, "demo");
        await Keys.EnrolAsync(Admin, "demo", taken.Id, "taken");
        var key = await Keys.GenerateAsync(Admin, "demo");
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Keys.EnrolAsync(Admin, "demo", key.Id, keyId));

        Assert.Equal(refusal, refused.Text.Key);
        Assert.Equal(before.Select(k => (k.KlarnaKeyId, k.State, k.IsDefault)), (await StoredAsync()).Select(k => (k.KlarnaKeyId, k.State, k.IsDefault)));
    }

    [Fact]
    public async Task A_key_awaiting_its_id_cannot_be_the_default_and_an_enrolled_key_cannot_be_enrolled_again()
    {
        var key = await Keys.GenerateAsync(Admin, "demo");

        var notYet = await Assert.ThrowsAsync<BusinessRuleException>(() => Keys.MakeDefaultAsync(Admin, "demo", key.Id));
        await Keys.EnrolAsync(Admin, "demo", key.Id, "k-1");
        var again = await Assert.ThrowsAsync<BusinessRuleException>(() => Keys.EnrolAsync(Admin, "demo", key.Id, "k-2"));

        Assert.Equal("Only an active key can be the default; enter Klarna's key ID for {0} first.", notYet.Text.Key);
        Assert.Equal("The key {0} already has Klarna's key ID {1}.", again.Text.Key);
        Assert.Equal("k-1", Assert.Single(await StoredAsync()).KlarnaKeyId);
    }

    [Fact]
    public async Task With_a_key_store_configured_the_private_key_is_kept_in_its_pkcs12_file_and_not_in_the_database()
    {
        var file = Path.Combine(Path.GetTempPath(), $"virtual-card-keys-{Guid.NewGuid():N}.p12");
        await using var withStore = new BackOfficeAppFactory { Settings = { ["VirtualCards:KeyStore:Path"] = file, ["VirtualCards:KeyStore:Password"] = "store-pass" } };
        try
        {
            var keys = withStore.Service<VirtualCardKeys>();
            var first = await keys.GenerateAsync(withStore.Staff(Roles.Administrator), "demo");
            var second = await keys.GenerateAsync(withStore.Staff(Roles.Administrator), "demo");

            await using var db = await withStore.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            var stored = await db.VirtualCardKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync();
            Assert.All(stored, k => Assert.Null(k.ProtectedPrivateKey));
            Assert.True(first.InKeyStore);
            var kept = X509CertificateLoader.LoadPkcs12CollectionFromFile(file, "store-pass");
            Assert.Equal(2, kept.Count);
            Assert.All(kept, c => Assert.True(c.HasPrivateKey));
            Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12CollectionFromFile(file, "guess"));
            using var publicKey = KlarnaJwk.Read(second.PublicJwk, out _);
            var (aesKey, iv, pciData) = KlarnaCardCrypto.Encrypt(Encoding.UTF8.GetBytes(Card), publicKey!);
            var encrypted = new KlarnaVirtualCard { CardId = "c", AesKey = aesKey, Iv = iv, PciData = pciData };
            using var privateKey = keys.Open(stored[1]);
            using var card = KlarnaCardCrypto.Decrypt(encrypted, privateKey);
            using var otherKey = keys.Open(stored[0]);
            Assert.Equal("1111", card.LastFour);
            Assert.Throws<KlarnaCardDataException>(() => KlarnaCardCrypto.Decrypt(encrypted, otherKey));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Only_an_administrator_manages_keys()
    {
        await Assert.ThrowsAsync<AccessRefusedException>(() => Keys.GenerateAsync(app.Staff(Roles.Operator), "demo"));

        Assert.Empty(await StoredAsync());
    }
}
