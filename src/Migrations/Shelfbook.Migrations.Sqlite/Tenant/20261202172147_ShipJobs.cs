using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class ShipJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ship_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    mode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    total = table.Column<int>(type: "INTEGER", nullable: false),
                    shipped = table.Column<int>(type: "INTEGER", nullable: false),
                    skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    failed = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    finished_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    lease_until = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ship_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ship_job_rows",
                columns: table => new
                {
                    job_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    seq = table.Column<int>(type: "INTEGER", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    tracking_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ship_job_rows", x => new { x.job_id, x.seq });
                    table.ForeignKey(
                        name: "fk_ship_job_rows_ship_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "ship_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ship_job_rows_job_id_outcome_seq",
                table: "ship_job_rows",
                columns: new[] { "job_id", "outcome", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_ship_jobs_state_created_at",
                table: "ship_jobs",
                columns: new[] { "state", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ship_job_rows");

            migrationBuilder.DropTable(
                name: "ship_jobs");
        }
    }
}
