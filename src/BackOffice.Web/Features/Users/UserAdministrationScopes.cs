namespace BackOffice.Web.Features.Users;

/// <summary>How a page reaches <see cref="UserAdministration"/>: a fresh scope for each action, since Identity's stores hold a DbContext a circuit must not keep.</summary>
public sealed class UserAdministrationScopes(IServiceScopeFactory scopes)
{
    public async Task<T> RunAsync<T>(Func<UserAdministration, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }
}
