using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>The webhooks' tables in the app's database; their configurations sit beside the entities.</summary>
public static class WebhookTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<WebhookEndpoint> WebhookEndpoints => db.Set<WebhookEndpoint>();

        public DbSet<WebhookEvent> WebhookEvents => db.Set<WebhookEvent>();

        public DbSet<WebhookDelivery> WebhookDeliveries => db.Set<WebhookDelivery>();

        public DbSet<WebhookAttempt> WebhookAttempts => db.Set<WebhookAttempt>();
    }
}
