export default function PerformancePage() {
  return (
    <section className="page">
      <h1>Performance</h1>
    </section>
  );
}
