using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.KlarnaRest;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>The whole app over HTTP, on its own database (see <see cref="TestDatabase"/>), in the given environment.</summary>
public sealed class BackOfficeAppFactory : WebApplicationFactory<Program>
{
    private readonly bool ownsDatabase = true;
    private TestDatabase? database;

    /// <summary>
    /// The app's database: its own, or one the test owns (given here) to start the app again on it — a restart, or a
    /// second instance — which this factory then leaves alone.
    /// </summary>
    public TestDatabase Database
    {
        get => database ??= TestDatabase.Create();
        init => (database, ownsDatabase) = (value, false);
    }

    /// <summary>This app's own PClass folder (Klarna:PClassDirectory).</summary>
    public string PClassDirectory { get; } = Path.Combine(Path.GetTempPath(), $"backoffice-pclasses-{Guid.NewGuid():N}");

    /// <summary>Where the app writes its mails (Email:PickupDirectory), instead of the project's App_Data.</summary>
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), $"backoffice-mail-{Guid.NewGuid():N}");

    /// <summary>Every log message the app wrote, at every level.</summary>
    public LogCapture Logs { get; } = new();

    public string EnvironmentName { get; init; } = "Development";

    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Outside Development: give the app a key-ring certificate (the default), or start it without one.</summary>
    public bool WithKeyRingCertificate { get; init; } = true;

    /// <summary>App:PublicBaseUrl outside Development, unless <see cref="Settings"/> names another.</summary>
    public const string PublicBaseUrl = "https://backoffice.test.example/";

    /// <summary>The app's clock, when a test moves time itself.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Services a test adds or replaces (e.g. an interceptor that forces interleaving).</summary>
    public List<Action<IServiceCollection>> TestServices { get; } = [];

    private static readonly MemoryCache ModelAndQueryCache = new(new MemoryCacheOptions());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var (key, value) in Database.Settings)
            builder.UseSetting(key, value);
        // A copy of the migrated template needs no migrating, and checking it costs EF's comparison of the whole model
        // with the migrations' at every start (a fifth of an app's start). Apps on a database not made yet still migrate,
        // and MigrationsTests checks that the migrations describe the model.
        if (Database.Migrated)
            builder.UseSetting("Database:MigrateOnStartup", "false");
        // Where StartOnLoopback's Kestrel listens: a free loopback port. The in-memory server has no address.
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseSetting("Klarna:PClassDirectory", PClassDirectory);
        builder.UseSetting("Seed:DemoTransactions", "0");
        builder.UseSetting("Seed:DemoComputopChannel:Transactions", "0");
        builder.UseSetting("Seed:DemoKlarnaRestChannel:Transactions", "0");
        builder.UseSetting("Seed:DemoECommPayChannel:Transactions", "0");
        builder.UseSetting("Email:PickupDirectory", MailDirectory);
        // Two job workers are plenty for a test, and on PostgreSQL each worker opens a connection of its own, a fresh
        // server process for a fresh database: Hangfire's default of ten made up most of the server's work in the suite.
        builder.UseSetting("Jobs:WorkerCount", "2");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        // Outside Development the key ring must be protected by a certificate: tests bring one unless they test without.
        if (EnvironmentName != "Development" && !Settings.ContainsKey("DataProtection:Certificate:Path") && WithKeyRingCertificate)
        {
            builder.UseSetting("DataProtection:Certificate:Path", TestCertificate.PfxPath);
            builder.UseSetting("DataProtection:Certificate:Password", TestCertificate.Password);
        }
        // Outside Development the public address is required: tests bring one unless they set their own.
        if (EnvironmentName != "Development")
            builder.UseSetting("App:PublicBaseUrl", PublicBaseUrl);
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            if (Clock is not null)
                services.AddSingleton(Clock);
            // EF builds its model, and compiles each query, once per cache: one for every app of the run, not one per app.
            services.ConfigureDbContext<SqliteBackOfficeDbContext>(options => options.UseMemoryCache(ModelAndQueryCache));
            services.ConfigureDbContext<PostgreSqlBackOfficeDbContext>(options => options.UseMemoryCache(ModelAndQueryCache));
            // Test passwords need no protection against guessing: a hash of 100,000 rounds took a tenth of a test's time.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1);
            services.AddSingleton<VirtualCardKeyGenerator, VirtualCardKeysMadeAhead>();
            foreach (var configure in TestServices)
                configure(services);
        });
    }

    /// <summary>
    /// A member of staff in this app's database (made on first use, with a password) and the principal the app's own
    /// sign-in gives them, for calling services directly: they check the role the database holds, so a principal must
    /// be somebody's. Without an e-mail, one per role.
    /// </summary>
    public ClaimsPrincipal Staff(string role, string? email = null) =>
        staff.GetOrAdd((role, email ?? $"{role.ToLowerInvariant()}@test.local"), key => new(() => Task.Run(() => StaffAsync(key.Role, key.Email)).GetAwaiter().GetResult())).Value;

    public const string StaffPassword = "Staff-Passw0rd-for-tests";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Role, string Email), Lazy<ClaimsPrincipal>> staff = new();

    private async Task<ClaimsPrincipal> StaffAsync(string role, string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is not { } user)
        {
            await CreateUserAsync(email, StaffPassword, role);
            user = (await users.FindByEmailAsync(email))!;
        }
        Assert.True(await users.IsInRoleAsync(user, role), $"{email} is a member of staff already, in another role than {role}.");
        return await scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>().CreateUserPrincipalAsync(user);
    }

    /// <summary>Starts the app on a free loopback port: real HTTP, which the sandboxes mounted in it need.</summary>
    public BackOfficeAppFactory StartOnLoopback()
    {
        // Not UseKestrel(0): the factory sets that port on the built host while Program goes on to start it on its own
        // thread. Under load Program won, Kestrel took its default port and a second app could not. The address is a
        // setting instead (ConfigureWebHost), read when Kestrel starts.
        UseKestrel();
        StartServer();
        return this;
    }

    /// <summary>The control API of the Klarna sandbox mounted in the app (started with <see cref="StartOnLoopback"/>).</summary>
    public BackOffice.Klarna.Sandbox.SandboxControlClient KlarnaSandbox => new(new HttpClient { BaseAddress = new Uri(ClientOptions.BaseAddress, "/sandbox/klarna/") });

    public T Service<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public HttpClient CreateBrowserLikeClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>For an app started with UseKestrel: real HTTP with cookies and without following redirects.</summary>
    public HttpClient CreateLoopbackClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = ClientOptions.BaseAddress };

    /// <summary>
    /// For an app started with UseKestrel: a client whose connections come from another loopback address (such as
    /// 127.0.0.2), as a second client machine would, for what is counted per client address.
    /// </summary>
    public HttpClient CreateLoopbackClientFrom(string localAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = ClientOptions.BaseAddress };

    public async Task CreateUserAsync(string email, string password, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownsDatabase && database is not null)
            await database.DisposeAsync();
        if (Directory.Exists(PClassDirectory))
            Directory.Delete(PClassDirectory, recursive: true);
        if (Directory.Exists(MailDirectory))
            Directory.Delete(MailDirectory, recursive: true);
    }
}
