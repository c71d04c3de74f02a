namespace BackOffice.Web.Features.Payments;

/// <summary>
/// A provider as one module: its folder holds everything it does, and this is how the house takes it in. Program.cs
/// adds each with <see cref="PaymentProviderModules.AddPaymentProvider{TModule}"/>.
/// </summary>
public abstract class PaymentProviderModule
{
    public abstract ProviderDescriptor Descriptor { get; }

    /// <summary>
    /// Its services: the port for the money actions, its connections and options, its background work, its channel
    /// card (<c>AddChannelCard</c>), its shop-API offer (<c>IShopApiOffer</c>) and what it says at start-up.
    /// </summary>
    public abstract void AddServices(IServiceCollection services);

    /// <summary>Its endpoints (notifications, callbacks, batch files) and its sandbox, where one is mounted.</summary>
    public virtual void Map(WebApplication app)
    {
    }

    /// <summary>At start-up, under the start-up lock after the migrations: its demo data and its recurring jobs.</summary>
    public virtual Task StartAsync(IServiceProvider services) => Task.CompletedTask;
}

public static class PaymentProviderModules
{
    public static WebApplicationBuilder AddPaymentProvider<TModule>(this WebApplicationBuilder builder) where TModule : PaymentProviderModule, new()
    {
        var module = new TModule();
        PaymentProviders.Register(module.Descriptor);
        builder.Services.AddSingleton<PaymentProviderModule>(module);
        module.AddServices(builder.Services);
        return builder;
    }

    public static void MapPaymentProviders(this WebApplication app)
    {
        foreach (var module in app.Services.GetServices<PaymentProviderModule>())
            module.Map(app);
    }

    public static async Task StartPaymentProvidersAsync(this WebApplication app)
    {
        foreach (var module in app.Services.GetServices<PaymentProviderModule>())
            await module.StartAsync(app.Services);
    }
}
