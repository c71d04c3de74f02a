using System.Security.Claims;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using MudBlazor.Services;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>bUnit on an interactive server renderer with MudBlazor and the app's real authorization policies.</summary>
public abstract class BackOfficeTestContext : BunitContext, IAsyncLifetime
{
    private readonly SignedInUser signedInUser = new();

    protected BackOfficeTestContext()
    {
        // Amounts are read and written in the user's culture; tests pick theirs (UseCulture), English by default.
        UseCulture("en-US");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddTexts();
        // bUnit registers a stand-in authorization service; the real one evaluates the app's role policies.
        Services.AddAuthorizationBuilder().AddBackOfficePolicies();
        Services.Replace(ServiceDescriptor.Transient<IAuthorizationService, DefaultAuthorizationService>());
        Services.Replace(ServiceDescriptor.Transient<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>());
        Services.AddCascadingAuthenticationState();
        Services.AddSingleton<AuthenticationStateProvider>(signedInUser);
        Services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        Services.AddOptions();
        Services.AddScoped<ChannelContext>();
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(new BackOffice.Web.Features.DisplayTime(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
        AddServices(Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>Services a test class adds before anything is rendered (bUnit refuses them later). Its field initializers have run.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>The components' clock; it stands still until a test moves it.</summary>
    protected Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 14, 0, 3, TimeSpan.Zero));

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only IAsyncDisposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected static void UseCulture(string name) =>
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(name);

    /// <summary>Signs in a user the app's services can look up by id.</summary>
    protected void SignInAsUser(string id, string name, params string[] roles)
    {
        var claims = roles.Select(role => new Claim(ClaimTypes.Role, role)).Prepend(new Claim(ClaimTypes.Name, name)).Prepend(new Claim(ClaimTypes.NameIdentifier, id));
        signedInUser.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
    }

    /// <summary>Signs in a real member of staff (<see cref="BackOfficeAppFactory.Staff"/>), for pages whose services check the database.</summary>
    protected void SignInAs(ClaimsPrincipal user) => signedInUser.User = user;

    protected void SignInAs(string name, params string[] roles)
    {
        var claims = roles.Select(role => new Claim(ClaimTypes.Role, role)).Prepend(new Claim(ClaimTypes.Name, name));
        signedInUser.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
    }

    private sealed class SignedInUser : AuthenticationStateProvider
    {
        public ClaimsPrincipal User { get; set; } = new(new ClaimsIdentity());

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(User));
    }
}
