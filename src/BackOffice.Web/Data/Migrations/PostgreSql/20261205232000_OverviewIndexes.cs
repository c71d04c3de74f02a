using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OverviewIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Transactions_OpenMoney",
                table: "Transactions",
                columns: new[] { "State", "ExpiresAt", "Currency", "ReservedAmount", "CapturedAmount" });

            migrationBuilder.CreateIndex(
                name: "IX_Operations_Kind_State_CompletedAt",
                table: "Operations",
                columns: new[] { "Kind", "State", "CompletedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_OpenMoney",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Operations_Kind_State_CompletedAt",
                table: "Operations");
        }
    }
}
