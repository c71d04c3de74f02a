using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>
/// A provider module's part of the shop API: the services it offers a basket (payment options answers them in the
/// order the modules were added), and the endpoints it adds under <c>/api/v1/channels/{code}</c>.
/// </summary>
public interface IShopApiOffer
{
    Task<IReadOnlyList<ServiceOption>> OptionsAsync(BackOfficeDbContext db, Channel channel, Basket basket, CancellationToken cancellationToken);

    void MapEndpoints(RouteGroupBuilder channel)
    {
    }
}

/// <summary>Fields of a request or answer type the shop may leave out: the OpenAPI document does not list them as required.</summary>
public sealed record OptionalShopApiFields(Type Type, params string[] Fields);

/// <summary>Endpoints a feature adds to a channel's shop API that are not a payment service's offer.</summary>
public interface IShopApiEndpoints
{
    void MapEndpoints(RouteGroupBuilder channel);
}
