using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>An operation's change is typed by its meaning and kept as text in the form each kind always wrote.</summary>
public sealed class OperationChangeTests
{
    private static readonly TransactionAddress Address = new("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");

    public static TheoryData<OperationKind, OperationChange> Changes => new()
    {
        { OperationKind.Capture, new ReleaseRest() },
        { OperationKind.Capture, new Shipment("DHL DE", "00340434161234567890") },
        { OperationKind.ChangeOrderNumber, new NewOrderNumber("4711") },
        { OperationKind.ChangeAddress, new NewAddresses(Address, Address with { City = "Köln" }) },
        { OperationKind.ExtendDueDate, new DueDateMove(14) },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Each_change_reads_back_as_it_was_written(OperationKind kind, OperationChange change) =>
        Assert.Equal(change, OperationChange.Read(kind, change.Text));

    [Fact]
    public void Rows_written_before_read_as_their_kind_meant_them()
    {
        const string addresses = """{"Billing":{"FirstName":"Max","LastName":"Mustermann","Company":"","Street":"Hellersbergstraße","HouseNumber":"14","PostalCode":"41460","City":"Neuss","Country":"DE","Email":"max@example.com","Phone":""},"Shipping":{"FirstName":"Max","LastName":"Mustermann","Company":"","Street":"Hellersbergstraße","HouseNumber":"14","PostalCode":"41460","City":"Neuss","Country":"DE","Email":"max@example.com","Phone":""}}""";

        Assert.Equal(new NewAddresses(Address, Address), OperationChange.Read(OperationKind.ChangeAddress, addresses));
        Assert.Equal(new NewOrderNumber("10"), OperationChange.Read(OperationKind.ChangeOrderNumber, "10"));
        Assert.Equal(new DueDateMove(10), OperationChange.Read(OperationKind.ExtendDueDate, "10"));
        Assert.Equal(new ReleaseRest(), OperationChange.Read(OperationKind.Capture, "release-rest"));
        Assert.Null(OperationChange.Read(OperationKind.Capture, null));
    }
}
