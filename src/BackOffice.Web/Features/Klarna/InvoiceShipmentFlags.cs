using BackOffice.Klarna;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.Klarna;

/// <summary>How a service's invoice shipment setting becomes Klarna flags (PROTOCOL.md §5).</summary>
public static class InvoiceShipmentFlags
{
    public static ReservationFlags OnReserve(InvoiceShipment shipment, ProviderEnvironment environment) =>
        TestMode(environment) | (shipment == InvoiceShipment.KlarnaMobile ? ReservationFlags.PhoneTransaction : ReservationFlags.None);

    public static ReservationFlags OnActivate(InvoiceShipment shipment, ProviderEnvironment environment) =>
        TestMode(environment) | (shipment == InvoiceShipment.Mail ? ReservationFlags.SendByMail : ReservationFlags.SendByEmail);

    private static ReservationFlags TestMode(ProviderEnvironment environment) =>
        environment == ProviderEnvironment.Test ? ReservationFlags.TestMode : ReservationFlags.None;
}
