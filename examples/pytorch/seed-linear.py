# The second seed document's PyTorch script, unchanged but for its imports: a linear model on MNIST trained with
# plain SGD, its loop written as train_epoch / evaluate functions. Run: gradlens train examples/pytorch/seed-linear.py
# (after examples/pytorch/prepare_mnist.py has written the bundled digits to ./data).
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

transform = transforms.ToTensor()
train_dataset = datasets.MNIST(root='./data', train=True, transform=transform, download=True)
test_dataset = datasets.MNIST(root='./data', train=False, transform=transform, download=True)
train_loader = DataLoader(train_dataset, batch_size=64, shuffle=True)
test_loader = DataLoader(test_dataset, batch_size=64, shuffle=False)


class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.linear(x.view(-1, 28 * 28))


def train_epoch(model, loader, optimizer):
    model.train()
    total_loss = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = F.cross_entropy(outputs, targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            predicted = outputs.argmax(1)
            correct += (predicted == targets).sum().item()
    return correct / len(loader.dataset)


model = LinearModel()
optimizer = optim.SGD(model.parameters(), lr=0.01)
for epoch in range(10):
    train_loss = train_epoch(model, train_loader, optimizer)
    accuracy = evaluate(model, test_loader)
    print(f"Epoch {epoch + 1}: train loss {train_loss:.4f}, test accuracy {accuracy * 100:.2f}%")
