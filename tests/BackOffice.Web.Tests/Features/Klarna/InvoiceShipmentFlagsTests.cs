using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Tests.Features.Klarna;

public sealed class InvoiceShipmentFlagsTests
{
    [Theory]
    [InlineData(InvoiceShipment.Mail, ProviderEnvironment.Live, ReservationFlags.None, ReservationFlags.SendByMail)]
    [InlineData(InvoiceShipment.EMail, ProviderEnvironment.Live, ReservationFlags.None, ReservationFlags.SendByEmail)]
    [InlineData(InvoiceShipment.KlarnaMobile, ProviderEnvironment.Live, ReservationFlags.PhoneTransaction, ReservationFlags.SendByEmail)]
    [InlineData(InvoiceShipment.Mail, ProviderEnvironment.Test, ReservationFlags.TestMode, ReservationFlags.TestMode | ReservationFlags.SendByMail)]
    public void Shipment_maps_to_the_protocols_flags(InvoiceShipment shipment, ProviderEnvironment environment, ReservationFlags reserve, ReservationFlags activate)
    {
        Assert.Equal(reserve, InvoiceShipmentFlags.OnReserve(shipment, environment));
        Assert.Equal(activate, InvoiceShipmentFlags.OnActivate(shipment, environment));
    }
}
