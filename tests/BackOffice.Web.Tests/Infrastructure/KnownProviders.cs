using System.Runtime.CompilerServices;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Tests.TestProvider;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// The providers the app is built with, and the tests' own (<see cref="TestPayModule"/>), known before any test runs: entity and component tests make transactions
/// without starting the app, whose <c>AddPaymentProvider</c> would otherwise register them.
/// </summary>
internal static class KnownProviders
{
#pragma warning disable CA2255 // The test assembly's own set-up, not a library's.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        PaymentProviders.Register(new KlarnaModule().Descriptor);
        PaymentProviders.Register(new ComputopModule().Descriptor);
        PaymentProviders.Register(new TestPayModule().Descriptor);
        PaymentProviders.Register(new KlarnaRestModule().Descriptor);
        PaymentProviders.Register(new ECommPayModule().Descriptor);
    }
}
