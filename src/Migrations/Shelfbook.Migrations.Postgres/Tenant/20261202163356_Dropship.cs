using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class Dropship : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "supplier_id",
                table: "warehouses",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dropship_requests",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    supplier_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    times_sent = table.Column<int>(type: "integer", nullable: false),
                    sent_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dropship_requests", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dropship_requests_supplier_id_last_sent_at",
                table: "dropship_requests",
                columns: new[] { "supplier_id", "last_sent_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dropship_requests");

            migrationBuilder.DropColumn(
                name: "supplier_id",
                table: "warehouses");
        }
    }
}
