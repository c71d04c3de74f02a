using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_CreatedAt_Id",
                table: "Transactions");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_CreatedAt_Id_SearchText",
                table: "Transactions",
                columns: new[] { "CreatedAt", "Id", "SearchText" });

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_State_Currency_CreatedAt_Id",
                table: "Transactions",
                columns: new[] { "State", "Currency", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_CapturedAt_Currency_Amount",
                table: "Invoices",
                columns: new[] { "CapturedAt", "Currency", "Amount" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_CreatedAt_Id_SearchText",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_State_Currency_CreatedAt_Id",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_CapturedAt_Currency_Amount",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_CreatedAt_Id",
                table: "Transactions",
                columns: new[] { "CreatedAt", "Id" });
        }
    }
}
