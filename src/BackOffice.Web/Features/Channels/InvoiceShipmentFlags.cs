using BackOffice.Klarna;

namespace BackOffice.Web.Features.Channels;

/// <summary>How a service's invoice shipment setting becomes Klarna flags (PROTOCOL.md §5).</summary>
public static class InvoiceShipmentFlags
{
    public static ReservationFlags OnReserve(InvoiceShipment shipment, KlarnaEnvironment environment) =>
        TestMode(environment) | (shipment == InvoiceShipment.KlarnaMobile ? ReservationFlags.PhoneTransaction : ReservationFlags.None);

    public static ReservationFlags OnActivate(InvoiceShipment shipment, KlarnaEnvironment environment) =>
        TestMode(environment) | (shipment == InvoiceShipment.Mail ? ReservationFlags.SendByMail : ReservationFlags.SendByEmail);

    private static ReservationFlags TestMode(KlarnaEnvironment environment) =>
        environment == KlarnaEnvironment.Test ? ReservationFlags.TestMode : ReservationFlags.None;
}
