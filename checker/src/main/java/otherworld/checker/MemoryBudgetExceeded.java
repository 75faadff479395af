package otherworld.checker;

/** The checker's memory budget (--memory) cannot hold what the search needs next. */
public final class MemoryBudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryBudgetExceeded(String message) {
        super(message);
    }
}
