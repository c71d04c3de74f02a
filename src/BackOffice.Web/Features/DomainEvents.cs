namespace BackOffice.Web.Features;

/// <summary>Something a feature does when another one tells it what happened, without the teller knowing it (as eShop's domain events).</summary>
public interface IDomainEventHandler<in TEvent>
{
    Task HandleAsync(TEvent domainEvent);
}

/// <summary>Raises a domain event to every handler registered for it, after the change it reports was saved.</summary>
public sealed class DomainEvents(IServiceProvider services)
{
    public async Task RaiseAsync<TEvent>(TEvent domainEvent)
    {
        foreach (var handler in services.GetServices<IDomainEventHandler<TEvent>>())
            await handler.HandleAsync(domainEvent);
    }
}
