using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

public static class SubscriptionTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<SubscriptionPlan> SubscriptionPlans => db.Set<SubscriptionPlan>();

        public DbSet<PlanVersion> PlanVersions => db.Set<PlanVersion>();

        public DbSet<SubscriberAccount> SubscriberAccounts => db.Set<SubscriberAccount>();

        public DbSet<Subscription> Subscriptions => db.Set<Subscription>();

        public DbSet<SubscriptionCharge> SubscriptionCharges => db.Set<SubscriptionCharge>();

        public DbSet<PurchaseSession> PurchaseSessions => db.Set<PurchaseSession>();

        public DbSet<RetrySchedule> RetrySchedules => db.Set<RetrySchedule>();
    }
}
