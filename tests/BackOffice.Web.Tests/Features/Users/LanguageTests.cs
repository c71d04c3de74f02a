using System.Net;
using System.Text.RegularExpressions;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Users;

/// <summary>The pages' language: the user's choice (their <c>locale</c> claim), else the browser's, else English.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed partial class LanguageTests(BackOfficeAppFactory app) : IClassFixture<BackOfficeAppFactory>
{
    private const string Password = "Test-Passw0rd!";

    [Fact]
    public async Task A_german_browser_gets_the_sign_in_page_in_german_and_an_unknown_language_english()
    {
        var german = app.CreateClient();
        german.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-AT");
        var other = app.CreateClient();
        other.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR");

        var page = await german.GetStringAsync("/Account/Login");
        Assert.Contains("<html lang=\"de\">", page, StringComparison.Ordinal);
        Assert.Contains("<h1>Anmelden</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<h1>Log in</h1>", await other.GetStringAsync("/Account/Login"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_chose_german_reads_german_in_an_english_browser_and_one_who_chose_english_english_in_a_german_one()
    {
        var choseGerman = await SignedInAsync("chose-german@test.local", "de", "en-US");
        var choseEnglish = await SignedInAsync("chose-english@test.local", "en", "de-DE");

        var page = await choseGerman.GetStringAsync("/transactions");
        Assert.Contains("<html lang=\"de\">", page, StringComparison.Ordinal);
        Assert.Contains("Transaktionen", page, StringComparison.Ordinal);
        var english = await choseEnglish.GetStringAsync("/transactions");
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Transaktionen", english, StringComparison.Ordinal);
        // A browser that names no culture of the chosen language gets the language's own: German numbers for German.
        Assert.Equal(["de-DE"], (await choseGerman.GetAsync("/transactions")).Content.Headers.ContentLanguage);
        Assert.Equal(["en-US"], (await choseEnglish.GetAsync("/transactions")).Content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task A_language_the_back_office_does_not_speak_is_refused_and_nothing_is_saved()
    {
        var client = await SignedInAsync("chose-nothing@test.local", null, "en-US");
        var form = await client.GetStringAsync("/Account/Manage/Preferences");

        var response = await client.PostAsync("/Account/Manage/Preferences", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "preferences",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            ["Input.Language"] = "fr",
            ["Input.TimeZone"] = "",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("'fr' is not a language this back office speaks; nothing was saved.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("chose-nothing@test.local"))!.Language);
    }

    private async Task<HttpClient> SignedInAsync(string email, string? language, string browser)
    {
        await app.CreateUserAsync(email, Password, Roles.Operator);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            user.Language = language;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }
        var client = app.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(browser);
        await client.SignInAsync(email, Password);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
