using BackOffice.Klarna;
using BackOffice.Web.Features.Channels;

namespace BackOffice.Web.Tests.Features.Channels;

public sealed class InvoiceShipmentFlagsTests
{
    [Theory]
    [InlineData(InvoiceShipment.Mail, KlarnaEnvironment.Live, ReservationFlags.None, ReservationFlags.SendByMail)]
    [InlineData(InvoiceShipment.EMail, KlarnaEnvironment.Live, ReservationFlags.None, ReservationFlags.SendByEmail)]
    [InlineData(InvoiceShipment.KlarnaMobile, KlarnaEnvironment.Live, ReservationFlags.PhoneTransaction, ReservationFlags.SendByEmail)]
    [InlineData(InvoiceShipment.Mail, KlarnaEnvironment.Test, ReservationFlags.TestMode, ReservationFlags.TestMode | ReservationFlags.SendByMail)]
    public void Shipment_maps_to_the_protocols_flags(InvoiceShipment shipment, KlarnaEnvironment environment, ReservationFlags reserve, ReservationFlags activate)
    {
        Assert.Equal(reserve, InvoiceShipmentFlags.OnReserve(shipment, environment));
        Assert.Equal(activate, InvoiceShipmentFlags.OnActivate(shipment, environment));
    }
}
