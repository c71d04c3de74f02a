namespace BackOffice.Web.Features.Transactions;

/// <summary>What each kind of operation is called where people read it (the timeline, banners, messages).</summary>
public static class OperationNames
{
    public static string Of(OperationKind kind) => kind switch
    {
        OperationKind.Capture => "Capture",
        OperationKind.Reduce => "Reduction",
        OperationKind.Cancel => "Cancellation",
        OperationKind.Refund => "Refund",
        OperationKind.ResendInvoice => "Invoice sent again",
        OperationKind.ExtendExpiry => "Expiry extension",
        OperationKind.StatusCheck => "Status check",
        OperationKind.ChangeAddress => "Address change",
        OperationKind.ChangeOrderNumber => "Order number change",
        OperationKind.ExtendDueDate => "Due date extension",
        OperationKind.EditLines => "Lines edited",
        _ => kind.ToString(),
    };
}
